import time
from django.test import Client
from django.db import connection
from django.test.utils import CaptureQueriesContext

def test_probe(officer_thai_nguyen, person_thai_nguyen, snv_bac_kan, admin_user, client):
    from django.contrib.auth.hashers import make_password
    t=time.time(); make_password("x"); print("hash", time.time()-t)
    client.force_login(officer_thai_nguyen)
    r = client.get("/orgs/?q=bac+kan")
    print(r.status_code)
    r = client.get(f"/api/v1/people/{person_thai_nguyen.pk}")
    print(r.status_code, r.json())
    r = client.get("/api/v1/openapi.json")
    print(r.status_code, len(r.content))
    c = Client()
    print(c.get("/api/v1/orgs").status_code, c.get("/api/v1/orgs").content)
    print(c.get("/api/v1/openapi.json").status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get("/orgs/")
    for q in ctx.captured_queries: print(q["sql"][:150])
