"""Settings modules: `base` (everything, from the environment), `prod`, `test`."""
