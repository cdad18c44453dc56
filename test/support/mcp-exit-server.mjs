// Fails the way a misconfigured server does: a message on stderr, then a non-zero exit.
process.stderr.write("fatal: HONE_TEST_TOKEN is not set, cannot start\n");
process.exit(3);
