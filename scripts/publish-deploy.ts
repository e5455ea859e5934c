// `npm run publish:deploy -- --branch deploy [--remote origin] [--env <name>|all]... [--dist dist]`
// Commits dist/<env>/ to <env>/ on the deploy branch and pushes it, one commit per environment
// that changed (see tooling/publish.ts), and only when dist/<env>/ is exactly HEAD's render
// (tooling/render-check.ts): every environment is checked before any is published.
import { consoleOutput } from '../tooling/command-output';
import { publishCommand } from '../tooling/publish-command';

process.exitCode = publishCommand(process.argv.slice(2), consoleOutput, { cwd: process.cwd(), githubOutput: process.env.GITHUB_OUTPUT });
