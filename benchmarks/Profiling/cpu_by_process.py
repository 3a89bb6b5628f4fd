"""CPU per request by process name from `perf script -F comm,tid,ip,sym,dso` of a cpu-clock record at 499 Hz; for the
.NET process also by thread and by the library the sample landed in (libclrjit.so is the JIT).
Usage: cpu_by_process.py PERF_SCRIPT_TXT REQUESTS"""
import collections
import sys

HZ = 499


def main(path, requests):
    by_process, by_thread, by_library = collections.Counter(), collections.Counter(), collections.Counter()
    comm, leaf = None, None

    def flush():
        if comm is None:
            return
        dotnet = comm.startswith('.NET') or comm in ('dotnet', 'Kestrel Timer')
        by_process['dotnet (Factory, loopback model server, harness)' if dotnet else comm] += 1
        if dotnet:
            by_thread[comm] += 1
            by_library[leaf or '?'] += 1

    for line in open(path, errors='replace'):
        if not line.strip():
            continue
        if not line.startswith('\t'):
            flush()
            comm, leaf = line.rsplit(' ', 2)[0].strip(), None
        elif leaf is None:
            body = line.strip()
            leaf = body.rsplit(' (', 1)[1].rstrip(')').rsplit('/', 1)[-1] if body.endswith(')') else '?'
            leaf = 'JIT-compiled code' if leaf.startswith('perf-') else leaf
    flush()
    ms = lambda n: n / HZ / requests * 1000
    print(f'all processes: {ms(sum(by_process.values())):.0f} ms of CPU per request ({requests:g} requests)')
    for name, n in by_process.most_common(12):
        print(f'{ms(n):8.1f} ms/request  {name}')
    print('the .NET process by thread:')
    for name, n in by_thread.most_common(6):
        print(f'{ms(n):8.1f} ms/request  {name}')
    print('the .NET process by library of the sampled instruction:')
    for name, n in by_library.most_common(8):
        print(f'{ms(n):8.1f} ms/request  {name}')


if __name__ == '__main__':
    main(sys.argv[1], float(sys.argv[2]))
