"""Drives japroxy with Debian's python3-jira, as a Jira Data Center user would (issue #7).

Reads JAPROXY_URL (the route's public URL and base path) and JAPROXY_KEY from the environment;
prints one JSON object with what it saw. The library reads serverInfo when it connects and
sends issue updates to the issue's `self` link, so both must point at japroxy.
"""
import io
import json
import os

from jira import JIRA


def main():
    url = os.environ["JAPROXY_URL"]
    key = os.environ["JAPROXY_KEY"]
    # max_retries=0: a failure shows at once instead of after the library's back-off.
    jira = JIRA(server=url, basic_auth=("jira-align", key), max_retries=0)
    me = jira.myself()
    found = jira.search_issues("project = DEMO", maxResults=5)
    issue = jira.create_issue(
        project="DEMO", summary="Created by python-jira", issuetype={"name": "Story"}
    )
    issue.update(summary="Renamed by python-jira", description="Through the self link.")
    jira.transition_issue(issue, "31")
    attachment = jira.add_attachment(
        issue=issue.key, attachment=io.BytesIO(b"x" * 4096), filename="notes.txt"
    )
    fresh = jira.issue(issue.key)
    boards = jira.boards()
    sprints = jira.sprints(boards[0].id)
    print(
        json.dumps(
            {
                # What the library read from serverInfo when it connected.
                "serverVersion": list(jira._version),
                "me": me["name"],
                "found": [i.key for i in found],
                "created": issue.key,
                "selfLink": issue.self,
                "summary": fresh.fields.summary,
                "status": fresh.fields.status.name,
                "attachmentSize": attachment.size,
                "boards": [b.name for b in boards],
                "sprints": [s.name for s in sprints],
            }
        )
    )


main()
