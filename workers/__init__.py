"""RQ job functions and worker set-up. Jobs are thin: ids in, service call, commit."""
