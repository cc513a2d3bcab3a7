// jest's default timeout for every test and hook, from the suite's one time scale (timing.ts).
import { jest } from '@jest/globals'
import { TEST_TIMEOUT_MS } from './timing.js'

jest.setTimeout(TEST_TIMEOUT_MS)
