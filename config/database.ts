// The schema and seed rows PostgreSQL creates at first start (platform.md, "Database schema").
// The init script runs only when the data volume is empty; every statement is idempotent anyway so
// running it by hand against a live database is safe.

export interface SeedCategory {
  readonly id: number;
  readonly name: string;
  readonly slug: string;
}

export const seedCategories: readonly SeedCategory[] = [
  { id: 1, name: '기술 스택', slug: 'tech-stack' },
  { id: 2, name: 'Troubleshooting', slug: 'troubleshooting' },
  { id: 3, name: 'Test', slug: 'test' },
];

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function renderInitSql(categories: readonly SeedCategory[]): string {
  const rows = categories.map((c) => `  (${c.id}, ${sqlString(c.name)}, ${sqlString(c.slug)})`).join(',\n');
  return `-- Titanium schema and seed rows. Idempotent: safe to run more than once.
CREATE TABLE IF NOT EXISTS users (
  id SERIAL PRIMARY KEY,
  username VARCHAR(100) UNIQUE NOT NULL,
  email VARCHAR(255) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  created_at TIMESTAMP DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_users_username ON users (username);

CREATE TABLE IF NOT EXISTS categories (
  id SERIAL PRIMARY KEY,
  name VARCHAR(50) UNIQUE,
  slug VARCHAR(50) UNIQUE
);
INSERT INTO categories (id, name, slug) VALUES
${rows}
ON CONFLICT DO NOTHING;
-- Explicit ids leave the sequence behind; move it past them so the next insert does not collide.
SELECT setval(pg_get_serial_sequence('categories', 'id'), (SELECT MAX(id) FROM categories));

CREATE TABLE IF NOT EXISTS posts (
  id SERIAL PRIMARY KEY,
  title VARCHAR(200),
  content TEXT,
  author VARCHAR(100),
  category_id INTEGER NOT NULL REFERENCES categories (id),
  created_at TIMESTAMP DEFAULT NOW(),
  updated_at TIMESTAMP DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_posts_author ON posts (author);
CREATE INDEX IF NOT EXISTS idx_posts_created_at ON posts (created_at DESC);
CREATE INDEX IF NOT EXISTS idx_posts_category_id ON posts (category_id);
`;
}
