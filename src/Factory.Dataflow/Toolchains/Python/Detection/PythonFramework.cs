namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>The web framework a Python project is built on, as far as the prompts and the tests need to know.</summary>
public enum PythonFramework
{
    /// <summary>No web framework (a library, a command-line tool), or the project is a framework itself.</summary>
    None,

    /// <summary>FastAPI.</summary>
    FastApi,

    /// <summary>Flask.</summary>
    Flask,

    /// <summary>Django.</summary>
    Django,
}
