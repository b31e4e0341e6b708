"""What every module may use: database base, time and slug helpers, tokens, permissions, mail, audit."""
