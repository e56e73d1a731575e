"""The Slack front end: slack-bolt handlers generated from the registry, Block Kit, manifest."""
