import type { Command } from 'commander';
import { NotFoundError, ValidationError } from '../../kernel/errors.ts';
import { STARTER_LANGS, starterByKey, STARTERS, type StarterLang } from '../../modules/messaging/starters/index.ts';
import { emit } from '../output.ts';

const langOf = (value: string): StarterLang => {
  if ((STARTER_LANGS as readonly string[]).includes(value)) return value as StarterLang;
  throw new ValidationError('Invalid --lang', [{ path: ['lang'], message: `one of ${STARTER_LANGS.join(', ')}` }]);
};

export function register(program: Command): void {
  const template = program.command('template').description('message templates: the starter library for the usual customer moments (docs/messaging.md)');

  template
    .command('starters')
    .description('list the starter templates: key, channels, name and when to send it')
    .option('--lang <ja|en>', 'language of names and descriptions', 'ja')
    .option('--json', 'print JSON (every starter with its templates in both languages)')
    .action((opts: { lang: string; json?: boolean }) => {
      const lang = langOf(opts.lang);
      emit(opts.json, STARTERS, () =>
        STARTERS.map((s) => `${s.key.padEnd(16)} ${Object.keys(s.templates[lang]).join(',').padEnd(20)} ${s.name[lang]}\n${' '.repeat(38)}${s.description[lang]}`).join('\n'),
      );
    });

  template
    .command('show')
    .description("print one starter's template as JSON, ready for a campaign's `template`")
    .argument('<key>', 'starter key (kizuna template starters)')
    .option('--lang <ja|en>', 'language', 'ja')
    .option('--channel <channel>', 'email, line, sms or push', 'email')
    .action((key: string, opts: { lang: string; channel: string }) => {
      const starter = starterByKey(key);
      if (!starter) throw new NotFoundError(`no starter "${key}" (kizuna template starters lists them)`);
      const found = Object.entries(starter.templates[langOf(opts.lang)]).find(([channel]) => channel === opts.channel)?.[1];
      if (!found) throw new NotFoundError(`starter "${key}" has no ${opts.channel} template (it has ${Object.keys(starter.templates.ja).join(', ')})`);
      emit(true, found, () => '');
    });
}
