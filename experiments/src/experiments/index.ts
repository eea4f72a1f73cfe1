/** Importing this module registers every experiment. */
import './quickstart.ts';
