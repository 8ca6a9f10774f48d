"""Shows, on the installed `okta` SDK, the defects that keep four of Okta's own integration tests
from passing against any server (okta-tests-sdk-defects.txt), and in Okta's test file the defect
of a fifth. Exits 1 if a defect is gone, so the
list is revisited when the SDK is fixed."""

import json
import sys

from okta import models
from okta.api_client import ApiClient

gone = []

# test_change_recovery_question sends UserCredentials(**{"recoveryQuestion": ...}); the model has
# no alias for the field, so the question and answer never reach the wire.
creds = models.UserCredentials(
    **{
        "password": models.PasswordCredential(**{"value": "Password150kta"}),
        "recoveryQuestion": models.RecoveryQuestionCredential(
            **{"question": "Q?", "answer": "An answer"}
        ),
    }
)
sent = creds.to_dict()
print(f"change_recovery_question body: keys {sorted(sent)}")
if "recovery_question" in sent or "recoveryQuestion" in sent:
    gone.append("UserCredentials keeps recoveryQuestion")

# The group schema tests build GroupSchema(id="#custom", type="object", properties={name: ...});
# id and type are read-only and `properties` is parsed as UserSchemaProperties, so the body is
# {"properties": {}}: the attribute is never sent.
schema = models.GroupSchema(
    **{
        "id": "#custom",
        "type": "object",
        "properties": {"required": [], "abc": {"title": "A", "type": "string"}},
    }
)
sent = schema.to_dict()
print(f"update_group_schema body: {json.dumps(sent)}")
if sent != {"properties": {}}:
    gone.append("GroupSchema sends the attribute")

# test_group_assigned_applications creates a BASIC_AUTH app and asserts the answer is a
# BrowserPluginApplication; the SDK maps BASIC_AUTH to BasicAuthApplication, a sibling class.
app = {
    "id": "0oa1",
    "name": "template_basic_auth",
    "label": "AddBasicAuthApp",
    "status": "ACTIVE",
    "signOnMode": "BASIC_AUTH",
    "settings": {
        "app": {
            "url": "https://example.com/auth.html",
            "authURL": "https://example.com/auth.html",
            "buttonField": "b",
            "passwordField": "p",
            "usernameField": "u",
        }
    },
}
parsed = ApiClient.__new__(ApiClient).deserialize(json.dumps(app), "Application")
print(f"a BASIC_AUTH app is read as {type(parsed).__name__}")
if isinstance(parsed, models.BrowserPluginApplication):
    gone.append("BASIC_AUTH is read as a BrowserPluginApplication")

# test_get_list_assign_users_app builds its second assignment with `"id": user.id` (the first
# user again, with user_2's userName) and then expects two app users: an assignment is one per
# user, so the second POST changes the first and the list holds one.
tests = "../shared/okta-sdk-python-tests/tests/integration/test_applications_it.py"
with open(tests, encoding="utf-8") as f:
    source = f.read()
start = source.index("async def test_get_list_assign_users_app")
block = source[source.index("app_user_2 = models.AppUserAssignRequest", start) :]
block = block[: block.index(")")]
print(f"test_get_list_assign_users_app's second assignment: {block.split(chr(10))[3].strip()}")
if '"id": user.id,' not in block:
    gone.append("test_get_list_assign_users_app assigns user_2")

if gone:
    print("SDK defects no longer present: " + "; ".join(gone))
    sys.exit(1)
print("all three SDK defects present, and the test defect")
