"""HTTP plumbing shared by the API and the web UI: state, dependencies, problems, middleware."""
