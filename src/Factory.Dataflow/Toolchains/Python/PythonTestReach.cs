namespace Factory.Dataflow.Toolchains.Python;

/// <summary>
/// The sentence of TEST's prompt that says how tests reach the code, for the Python framework the project uses. A project
/// without one gets a sentence that names no framework, so TEST is never told to use a test client that is not there.
/// </summary>
internal static class PythonTestReach
{
    public static string For(string? framework) => framework?.Trim().ToLowerInvariant() switch
    {
        null or "" or "none" => "Call the code under test directly, importing it the way the existing tests do.",
        "fastapi" => "The project is a FastAPI application: call it through fastapi.testclient.TestClient with the application " +
            "object as the existing code exposes it, or through the client fixture from conftest.py when there is one.",
        "flask" => "The project is a Flask application: call it through Flask's test client, app.test_client(), with the " +
            "application made the way the existing code makes it (its app factory), or through the client fixture from conftest.py " +
            "when there is one.",
        "django" => "The project is a Django project: call it through django.test.Client, or pytest-django's client fixture, " +
            "and mark tests that use the database with @pytest.mark.django_db.",
        _ => $"The project is built on {framework!.Trim()}: reach the code the way the existing tests do.",
    };
}
