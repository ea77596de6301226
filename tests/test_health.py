def test_healthz_answers_ok_after_a_database_query(client, django_assert_num_queries, db):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_needs_no_login(client, db):
    assert client.get("/healthz").status_code == 200
