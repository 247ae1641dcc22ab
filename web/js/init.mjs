// Initialises every NHS.UK frontend component on the page.
import { initAll } from './nhsuk-frontend.min.js';

initAll();
