using System.Globalization;
using System.Text;

namespace Factory.Tests.Support;

/// <summary>
/// A 50 KB version of the sample app's <c>app/main.py</c>: the FastAPI app and its root route, then 1,150 small typed
/// functions; and a test that calls every one of them, so the module passes ruff, mypy and the coverage floor as it is.
/// </summary>
public static class LargeModule
{
    public const string Path = "app/main.py";

    public const int Functions = 1150;

    public const string TestPath = "tests/test_codes.py";

    public const string Head = "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/\")\ndef root() -> dict[str, str]:\n    return {\"service\": \"targetapp\"}\n";

    public const string Test = "from app import main\n\n\ndef test_every_code_returns_its_number() -> None:\n" +
        "    names = [name for name in dir(main) if name.startswith(\"code_\")]\n    assert len(names) == 1150\n" +
        "    for name in names:\n        assert getattr(main, name)() == name[5:]\n";

    /// <summary>The module's text, 50,700 characters.</summary>
    public static string Content()
    {
        var text = new StringBuilder(Head);
        for (var i = 1; i <= Functions; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n\ndef code_{i:D4}() -> str:\n    return \"{i:D4}\"\n");
        }

        return text.ToString();
    }

    /// <summary>The 1-based line where <c>def code_NNNN</c> is.</summary>
    public static int LineOf(int function) => 8 + ((function - 1) * 4) + 3;
}
