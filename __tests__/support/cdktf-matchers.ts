import { Testing } from "cdktf";

// Registers cdktf's jest matchers (toHaveResource, toHaveResourceWithProperties, ...).
// They compare keys as they appear in the synthesized JSON: snake_case.
Testing.setupJest();
