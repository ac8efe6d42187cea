import { describe, expect, it } from 'vitest';
import { externalLinkAllowed } from './external-links';

describe('shell.openExternal allowlist', () => {
  it('opens the documentation of the tools Lightbox needs, over https', () => {
    expect(externalLinkAllowed('https://www.blender.org/download/')).toBe(true);
    expect(externalLinkAllowed('https://docs.blender.org/manual/en/latest/')).toBe(true);
    expect(externalLinkAllowed('https://ffmpeg.org/download.html')).toBe(true);
  });

  it('refuses every other host, scheme, credential or port', () => {
    for (const url of [
      'https://evil.example/',
      'https://www.blender.org.evil.example/',
      'http://www.blender.org/',
      'file:///etc/passwd',
      'smb://share/x',
      'javascript:alert(1)',
      'https://user:pw@www.blender.org/',
      'https://www.blender.org:8443/',
      'not a url',
    ]) {
      expect(externalLinkAllowed(url), url).toBe(false);
    }
  });
});
