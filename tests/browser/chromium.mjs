// How every browser test (and bench/search.mjs) starts Chromium: Debian's binary, headless,
// with nothing that reaches the network (this machine has none but the registries).

/** The browser binary: QOSTIL_CHROMIUM, else Debian's. */
export const CHROMIUM = process.env.QOSTIL_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
