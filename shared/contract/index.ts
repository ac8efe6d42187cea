export * from './define';
export * from './errors';
export * from './methods';
export * from './events';
export * from './wire';
export * from './client';
