namespace Factory.Dataflow.Toolchains.Python.Detection;

/// <summary>An outside service the project's code depends on (a database server, a cache), and what showed it.</summary>
/// <param name="Service">E.g. "a Postgres server".</param>
/// <param name="Evidence">E.g. "requirements.txt lists psycopg2-binary".</param>
public sealed record ServiceDependency(string Service, string Evidence);
