// A private PulseAudio server with a null sink "vmic" whose monitor is the default source: whatever
// `paplay` plays into the sink is what a program recording from the default microphone hears
// (decibri → ALSA `default` → libasound2-plugins' pulse plugin → this server, via PULSE_SERVER).
// Private socket and state folders keep it apart from any other PulseAudio on the machine.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { log, waitFor } from './log';
import { run, start, type Managed } from './processes';

export interface VirtualMic {
  /** Environment to give every process that should hear (or play into) the virtual microphone. */
  env: NodeJS.ProcessEnv;
  play(wavFile: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startVirtualMic(dir: string): Promise<VirtualMic> {
  for (const tool of ['pulseaudio', 'pactl', 'paplay']) {
    try {
      await run('sh', ['-c', `command -v ${tool}`]);
    } catch {
      throw new Error(`${tool} is not installed (apt-get install pulseaudio pulseaudio-utils libasound2-plugins)`);
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  const socket = path.join(dir, 'native');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PULSE_RUNTIME_PATH: dir,
    PULSE_STATE_PATH: dir,
    PULSE_SERVER: `unix:${socket}`,
    PULSE_COOKIE: path.join(dir, 'cookie'),
  };
  const daemon: Managed = start(
    'pulseaudio',
    'pulseaudio',
    [
      '--daemonize=no',
      '--exit-idle-time=-1',
      '--disallow-exit',
      '--disallow-module-loading=no',
      '-n',
      `--load=module-native-protocol-unix socket=${socket} auth-anonymous=1`,
      '--load=module-null-sink sink_name=vmic rate=16000',
      '--load=module-always-sink',
      '--log-target=stderr',
    ],
    { env, logFile: path.join(dir, 'pulseaudio.log') },
  );
  try {
    await waitFor(
      'the PulseAudio server to answer',
      async () => {
        if (daemon.child.exitCode !== null) throw new Error(`pulseaudio exited: ${daemon.output().slice(-800)}`);
        await run('pactl', ['info'], { env, timeoutMs: 5000 });
        return true;
      },
      15_000,
      250,
    );
    await run('pactl', ['set-default-sink', 'vmic'], { env });
    await run('pactl', ['set-default-source', 'vmic.monitor'], { env });
    const info = (await run('pactl', ['info'], { env })).stdout;
    if (!/Default Source: vmic\.monitor/.test(info)) throw new Error(`default source is not vmic.monitor:\n${info}`);
  } catch (err) {
    await daemon.stop();
    throw err;
  }
  log(`virtual microphone ready (PULSE_SERVER=${env.PULSE_SERVER})`);
  return {
    env,
    async play(wavFile) {
      await run('paplay', ['--device=vmic', wavFile], { env, timeoutMs: 60_000 });
    },
    stop: () => daemon.stop(),
  };
}
