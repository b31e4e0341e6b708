"""The organiser's programme generator (`/<ev>/manage/generator`): the app's side of the solver.

`bridge` turns the event's models into the solver's plain data and its result back into the draft;
`runs` records, claims and computes the generations; `worker` is the `flask programme work` process;
`forms` and `manage_views` are the organiser's pages.
"""
