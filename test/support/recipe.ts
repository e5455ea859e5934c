// The "Adding a service" recipe as data: its code blocks, read from its page
// (docs/how-to/adding-a-service.md, the whole page is the recipe), and the edits they describe,
// applied to source text the way a person following the steps would.
import { codeBlocks, readDoc } from './docs';

/** The page that holds the recipe, from the root. */
export const RECIPE_PAGE = 'docs/how-to/adding-a-service.md';

/** A TypeScript block's first line says where it goes: `// in <file>, at the end of \`<name>\``. */
export interface SourceEdit {
  readonly file: string;
  readonly container: string;
  readonly text: string;
}

export interface Recipe {
  /** The service name the example uses. */
  readonly exampleName: string;
  readonly edits: readonly SourceEdit[];
  /** The shell commands of its last step, comments removed. */
  readonly commands: readonly string[];
}

const PLACE = /^\s*\/\/ in (\S+), at the end of `([\w$]+)`\s*$/;

export function parseRecipe(page: string): Recipe {
  const blocks = codeBlocks(page);
  const edits = blocks
    .filter((b) => b.language === 'ts')
    .map((block) => {
      const [first, ...rest] = block.text.split('\n');
      const place = PLACE.exec(first);
      if (!place) throw new Error(`a ts block of "${RECIPE_PAGE}" does not start with "// in <file>, at the end of \`<name>\`": ${first}`);
      return { file: place[1], container: place[2], text: rest.join('\n') };
    });
  const service = edits.find((e) => e.file === 'config/services.ts');
  const exampleName = service && /name: '([^']+)'/.exec(service.text)?.[1];
  if (!exampleName) throw new Error(`"${RECIPE_PAGE}" has no config/services.ts block with a name`);
  const shell = blocks.filter((b) => b.language === 'sh').at(-1);
  const commands = (shell?.text ?? '')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  return { exampleName, edits, commands };
}

/** `search-service` → `SEARCH_SERVICE`, the stem of its environment variables. */
const constantCase = (name: string) => name.toUpperCase().replace(/-/g, '_');

/** The recipe for another service name: every spelling of the example's name replaced. */
export function renamed(recipe: Recipe, name: string): Recipe {
  const swap = (text: string) => text.split(recipe.exampleName).join(name).split(constantCase(recipe.exampleName)).join(constantCase(name));
  return { ...recipe, exampleName: name, edits: recipe.edits.map((e) => ({ ...e, text: swap(e.text) })) };
}

/**
 * Offset of the bracket closing the object or array literal that `container` names (`export const
 * services = [`, `edges: [`), skipping strings and comments.
 */
export function closingBracketOf(source: string, container: string): number {
  const declaration = new RegExp(`(?:\\b(?:const|let|var)\\s+${container}\\b[^=]*=|\\b${container}\\s*:)\\s*`).exec(source);
  if (!declaration) throw new Error(`no \`${container}\` declared`);
  let i = declaration.index + declaration[0].length;
  if (source[i] !== '[' && source[i] !== '{') throw new Error(`\`${container}\` is not an object or array literal`);
  const stack: string[] = [];
  for (; i < source.length; i++) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '/') i = source.indexOf('\n', i);
    else if (c === '/' && source[i + 1] === '*') i = source.indexOf('*/', i) + 1;
    else if (c === "'" || c === '"' || c === '`') {
      for (i++; source[i] !== c; i++) if (source[i] === '\\') i++;
    } else if (c === '[' || c === '{' || c === '(') stack.push(c);
    else if (c === ']' || c === '}' || c === ')') {
      stack.pop();
      if (stack.length === 0) return i;
    }
    if (i < 0) break;
  }
  throw new Error(`\`${container}\` is never closed`);
}

/** The source with the edit's lines inserted before the line that closes its container. */
export function applyEdit(source: string, edit: SourceEdit): string {
  const lineStart = source.lastIndexOf('\n', closingBracketOf(source, edit.container)) + 1;
  const text = edit.text.endsWith('\n') ? edit.text : `${edit.text}\n`;
  return source.slice(0, lineStart) + text + source.slice(lineStart);
}

export const readRecipePage = (): string => readDoc(RECIPE_PAGE);
