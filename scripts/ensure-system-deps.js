#!/usr/bin/env node
// First step of `npm test`: the Debian packages the tests need (TTS voices for the corpus and the
// verifier tests; Chromium, PulseAudio and ripgrep for the end-to-end test; headers code-server
// builds against). Checks with dpkg-query, never by running the tools, so it is quick when all are
// there. Missing ones are installed when we are root (apt-get update once, then install);
// otherwise it stops at once with the exact command to run.
//
// `--corpus`: only what `npm run train` needs (the synthesisers and sox that build its corpus).
// `--unseen-engines`: the measurement-only synthesisers (pico, MBROLA, RHVoice) of
// `corpus --unseen-engines`. They live in Debian's contrib and non-free sections, so as root this
// adds those sections of the machine's own Debian release in one file of its own
// (/etc/apt/sources.list.d/digit-dictation-non-free.sources) when they are not enabled yet.
// `--real-prompts`: Asterisk's English prompts (Debian main, CC-BY-SA-3.0), a real voice that
// bench:robust only measures (bench/realPrompts.ts), KLettres' recordings (Debian main, GPL-2+;
// bench/klettres.ts) and PocketSphinx's test recordings (BSD-2; bench/pocketsphinxData.ts).
// DD_SYSTEM_DEPS_EXTRA="pkg …" adds names to the list (to exercise the missing-package path);
// DD_SKIP_SYSTEM_DEPS=1 skips the check (a machine set up some other way).
'use strict';
const { spawnSync } = require('node:child_process');

const CORPUS_PACKAGES = ['espeak-ng', 'sox', 'flite', 'festival', 'festvox-kallpc16k', 'festvox-kdlpc16k', 'festvox-us-slt-hts'];

const UNSEEN_ENGINE_PACKAGES = [
  'sox',
  'espeak-ng',
  'libttspico-utils',
  'rhvoice',
  'rhvoice-english',
  'mbrola',
  'mbrola-us1',
  'mbrola-us2',
  'mbrola-us3',
  'mbrola-en1',
];
// …KLettres' real voices reading letters and syllables (Debian main, GPL-2+; bench/klettres.ts), and
// PocketSphinx's test recordings with transcripts (BSD-2; bench/pocketsphinxData.ts).
const REAL_PROMPT_PACKAGES = ['asterisk-core-sounds-en-wav', 'klettres-data', 'pocketsphinx-testdata'];
const NON_FREE_SOURCES = '/etc/apt/sources.list.d/digit-dictation-non-free.sources';

const PACKAGES = [
  // end-to-end test: the editor in headless Chromium, a PulseAudio virtual microphone, code-server's search
  'chromium',
  'pulseaudio',
  'pulseaudio-utils',
  'libasound2-plugins',
  'ripgrep',
  // code-server's native modules build against these
  'libkrb5-dev',
  'libx11-dev',
  'libxkbfile-dev',
  'libsecret-1-dev',
  'build-essential',
  'python3',
  // speech synthesis for test material and the training corpus, and sox for audio conversion
  ...CORPUS_PACKAGES,
];

function installed(packages) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package}\\t${db:Status-Status}\\n', ...packages], { encoding: 'utf8' });
  if (r.error) return undefined;
  const ok = new Set(
    r.stdout
      .split('\n')
      .map((l) => l.split('\t'))
      .filter(([, status]) => status === 'installed')
      .map(([name]) => name),
  );
  return packages.filter((p) => ok.has(p));
}

function run(cmd, args) {
  console.log(`ensure-system-deps: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) {
    console.error(`ensure-system-deps: \`${cmd} ${args.join(' ')}\` failed (${r.error ? r.error.message : `exit ${r.status}`})`);
    process.exit(1);
  }
}

function main() {
  if (process.env.DD_SKIP_SYSTEM_DEPS === '1') return;
  // Each flag: the packages it checks and the job that needs them (named when they are missing).
  const mode = [
    { flag: '--unseen-engines', packages: UNSEEN_ENGINE_PACKAGES, job: 'corpus --unseen-engines' },
    { flag: '--real-prompts', packages: REAL_PROMPT_PACKAGES, job: 'npm run bench:robust' },
    { flag: '--corpus', packages: CORPUS_PACKAGES, job: 'npm run train' },
  ].find((m) => process.argv.includes(m.flag)) ?? { flag: undefined, packages: PACKAGES, job: 'npm test' };
  const unseen = mode.flag === '--unseen-engines';
  const wanted = [...mode.packages, ...(process.env.DD_SYSTEM_DEPS_EXTRA ?? '').split(/\s+/).filter(Boolean)];
  const have = installed(wanted);
  if (have === undefined) {
    console.warn(`ensure-system-deps: no dpkg-query (not Debian): install these or their equivalents yourself: ${wanted.join(' ')}`);
    return;
  }
  const missing = wanted.filter((p) => !have.includes(p));
  if (missing.length === 0) return;
  const install = ['install', '-y', '--no-install-recommends', ...missing];
  if (process.getuid?.() !== 0) {
    if (unseen)
      console.error(`(${missing.join(' ')} are in Debian's contrib and non-free sections: enable them in your apt sources first.)`);
    console.error(`ensure-system-deps: ${mode.job} needs Debian packages that are missing: ${missing.join(' ')}`);
    console.error(`Install them as root (e.g. with sudo), then run ${mode.job} again:`);
    console.error(`  apt-get update && apt-get ${install.join(' ')}`);
    process.exit(1);
  }
  if (unseen) enableNonFree(missing);
  run('apt-get', ['update', '-q']);
  run('apt-get', ['-q', ...install]);
  const still = missing.filter((p) => !(installed([p]) ?? []).includes(p));
  if (still.length) {
    console.error(`ensure-system-deps: still missing after apt-get install: ${still.join(' ')}`);
    process.exit(1);
  }
}

/** Adds contrib and non-free for this release unless apt already offers the packages (root only). */
function enableNonFree(missing) {
  const fs = require('node:fs');
  if (fs.existsSync(NON_FREE_SOURCES)) return;
  const policy = spawnSync('apt-cache', ['policy', ...missing], { encoding: 'utf8' }).stdout ?? '';
  if (!/Candidate: \(none\)/.test(policy) && missing.every((p) => policy.includes(`${p}:`))) return;
  const release = /^VERSION_CODENAME=(\w+)$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1];
  if (!release) {
    console.error(
      `ensure-system-deps: no VERSION_CODENAME in /etc/os-release; enable contrib and non-free yourself, then install ${missing.join(' ')}`,
    );
    process.exit(1);
  }
  const text = [
    '# Added by Digit Dictation (scripts/ensure-system-deps.js --unseen-engines): measurement-only synthesisers.',
    'Types: deb',
    'URIs: http://deb.debian.org/debian',
    `Suites: ${release}`,
    'Components: contrib non-free',
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg',
    '',
  ].join('\n');
  fs.writeFileSync(`${NON_FREE_SOURCES}.tmp`, text);
  fs.renameSync(`${NON_FREE_SOURCES}.tmp`, NON_FREE_SOURCES);
  console.log(`ensure-system-deps: enabled Debian contrib and non-free (${release}) in ${NON_FREE_SOURCES}`);
}

main();
