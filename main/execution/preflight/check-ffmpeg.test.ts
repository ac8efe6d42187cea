import { describe, expect, it } from 'vitest';
import { checkFfmpeg, parseFfmpegEncoders, parseFfmpegVersion } from './check-ffmpeg';

describe('checkFfmpeg', () => {
  it('finds ffmpeg, its version and the turntable encoders', async () => {
    const { ffmpeg, check } = await checkFfmpeg({ setting: '/usr/bin/ffmpeg', env: process.env });
    expect(check.status).toBe('ok');
    expect(ffmpeg).toMatchObject({ path: '/usr/bin/ffmpeg', source: 'setting', encoders: { h264: true, vp9: true } });
    expect(ffmpeg.version).toMatch(/\d/);
  });

  it('fails a binary that is not ffmpeg', async () => {
    const { check } = await checkFfmpeg({ setting: '/bin/echo', env: process.env });
    expect(check.status).toBe('fail');
    expect(check.detail).toContain('/bin/echo is not ffmpeg');
    expect(check.fix).toContain('apt-get install ffmpeg');
  });
});

describe('parsers', () => {
  it('reads versions and skips the encoder legend', () => {
    expect(parseFfmpegVersion('ffmpeg version n6.1 Copyright (c) 2000-2023')).toBe('n6.1');
    expect(parseFfmpegVersion('echo')).toBeNull();
    const names = parseFfmpegEncoders('Encoders:\n V..... = Video\n ------\n V....D libx264   H.264\n A....D aac   AAC\n');
    expect([...names]).toEqual(['libx264', 'aac']);
  });
});
