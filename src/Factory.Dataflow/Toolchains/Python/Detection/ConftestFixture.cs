namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>A pytest fixture defined in a <c>conftest.py</c>: what a new test may ask for by name.</summary>
/// <param name="Name">The name tests use (the function name, or the decorator's <c>name=</c>).</param>
/// <param name="Signature">The definition line as written, e.g. <c>def client(app: Flask) -&gt; FlaskClient:</c>.</param>
/// <param name="File">The conftest's repository-relative path.</param>
/// <param name="Line">The 1-based line of the definition.</param>
/// <param name="Scope">The fixture's scope ("function" unless the decorator says otherwise).</param>
/// <param name="Autouse">True when the fixture applies to every test without being asked for.</param>
/// <param name="Summary">The first line of its docstring, or null.</param>
public sealed record ConftestFixture(string Name, string Signature, string File, int Line, string Scope, bool Autouse, string? Summary);
