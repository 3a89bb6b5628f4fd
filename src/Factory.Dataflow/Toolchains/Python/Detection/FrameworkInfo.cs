namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>Which framework the project uses, why the detector thinks so, and where the application object comes from.</summary>
/// <param name="Kind">The framework.</param>
/// <param name="Evidence">What decided it, e.g. "app/main.py:1 imports fastapi" or "no source file imports a web framework".</param>
/// <param name="Application">Where the application is made, e.g. "app = FastAPI() in app/main.py" or "create_app() in flaskr/__init__.py"; null when unknown.</param>
public sealed record FrameworkInfo(PythonFramework Kind, string Evidence, string? Application)
{
    /// <summary>The framework's own spelling ("FastAPI", "Flask", "Django"), or null for none.</summary>
    public string? DisplayName => Kind switch
    {
        PythonFramework.FastApi => "FastAPI",
        PythonFramework.Flask => "Flask",
        PythonFramework.Django => "Django",
        _ => null,
    };
}
