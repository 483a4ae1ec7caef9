import { canonicalJson, PolicyDocument } from './policy-document';
import { conditionText } from './policy-text';

/** The policy document as Markdown: one section per subject, each rule in French and English. */
export function policyMarkdown(d: PolicyDocument): string {
  const lines: string[] = [
    '# Passerelle — politique d’accès / access policy',
    '',
    `Version: \`${d.version}\``,
    '',
    'Derived from the engine (AbilityFactory) for every shape of principal. A later rule (higher order) takes precedence; an inverted rule refuses.',
    '',
    '## Symbols / symboles',
    '',
    ...d.symbols.map((s) => `- \`${s.symbol}\`: ${s.description.en} — ${s.description.fr}`),
  ];
  const subjects = [...new Set(d.rules.map((r) => r.subject))];
  for (const subject of subjects) {
    lines.push('', `## ${subject}`, '');
    for (const r of d.rules.filter((x) => x.subject === subject)) {
      lines.push(
        `### ${r.order}. \`${r.id}\`${r.inverted ? ' (inverted / interdiction)' : ''}`,
        '',
        `- EN: ${r.description.en}`,
        `- FR: ${r.description.fr}`,
        `- action: \`${r.action}\`${r.fields ? `, fields: ${r.fields.map((f) => `\`${f}\``).join(', ')}` : ''}`,
        `- applies to: ${r.appliesTo.map((s) => `${s.side}${s.roles.length ? `+${s.roles.join('+')}` : ''}`).join(', ')}`,
      );
      if (r.conditions.length) {
        lines.push('- conditions:');
        for (const c of r.conditions) lines.push(`  - \`${canonicalJson(c)}\` — ${conditionText(c, 'en')}`);
      }
      lines.push('');
    }
  }
  return lines.join('\n');
}
