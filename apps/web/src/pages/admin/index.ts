/** The console's screens, one lazily loaded chunk (main.ts routes /admin/** here). */
export { auditPage } from './audit.js';
export { consolePage } from './console.js';
export { editorPage } from './editor.js';
export { managePage } from './manage.js';
export { usersPage } from './users.js';
