"""The automatic first pass, as the client runs it: each stage turns project state into engine jobs,
and writes their results back into the project. A stage skips what is already done, so a re-run
resumes, and never touches what a person edited or approved."""
