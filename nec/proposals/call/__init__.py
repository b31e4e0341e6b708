"""The call for proposals, set up by the organisers at /<ev>/manage/call, questions and mail wordings."""
