import type { CallGraph } from '../../config/types';

/** The call graph as a Mermaid flowchart, for the README (a test keeps the two in step). */
export function callGraphMermaid(graph: CallGraph): string {
  const id = (name: string) => name.replace(/[^A-Za-z0-9]/g, '_');
  const lines = ['```mermaid', 'flowchart LR'];
  for (const edge of graph.edges) lines.push(`  ${id(edge.from)}[${edge.from}] --> ${id(edge.to)}[${edge.to}]`);
  for (const scrape of graph.scrapes) lines.push(`  ${id(scrape.from)}[${scrape.from}] -. ":${scrape.port} metrics" .-> pods((every pod))`);
  lines.push('```');
  return lines.join('\n');
}
