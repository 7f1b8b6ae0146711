"""Publishing content while the bot runs: uploads, revisions, rollback and the content watch."""
