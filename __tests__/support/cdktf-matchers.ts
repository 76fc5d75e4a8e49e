import { Testing } from "cdktf";
// The matchers' types, for every test file (cdktf's own type files do not load them).
import "cdktf/lib/testing/adapters/jest";

// Registers cdktf's jest matchers (toHaveResource, toHaveResourceWithProperties, ...).
// They compare keys as they appear in the synthesized JSON: snake_case.
Testing.setupJest();
