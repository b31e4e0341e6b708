"""Reviewing proposals: criteria, the reviewers' pages /<ev>/review/ and the decisions /<ev>/manage/proposals."""
