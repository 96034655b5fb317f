// Browser test helpers: finding or installing Chromium, and the e2e tests' orders, products and screenshot paths.
export * from './chromium.js';
export * from './e2e.js';
