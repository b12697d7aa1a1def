export * from './data-source';
export * from './migrations';
export * from './sqlite-serialisation';
export * from './roles';
export * from './unique-violation';
