// Run by jest after its globals are in place, once per test file (jest.config.js).
import { removeScratchDirectories } from './scratch';

afterAll(removeScratchDirectories);
