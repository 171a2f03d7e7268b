import { PROJECT_ROOT } from '../cdk/ticketing-function';
import { ensureConsoleBuild } from './console-build';

/** `npm run build:console`: the web console's static files, built unless a build of the same sources exists. */
const { dir, built } = ensureConsoleBuild(PROJECT_ROOT, (line) => console.log(line));
console.log(`${built ? 'Built' : 'Up to date:'} ${dir}`);
