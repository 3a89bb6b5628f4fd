"""Processes started per request, from an `strace -f -e trace=execve` log: successful execve calls by program, and git's
by subcommand (the factory's own -c and --git-dir options skipped). Usage: count_execs.py STRACE_LOG REQUESTS"""
import collections
import re
import sys

START = re.compile(r'^(\d+)\s+execve\("([^"]*)", \[(.*?)(?:\) = (-?\d+)[^)]*|<unfinished \.\.\.>)$')
RESUMED = re.compile(r'^(\d+)\s+<\.\.\. execve resumed>.*\) = (-?\d+)')


def git_subcommand(args):
    rest, i = args[1:], 0
    while i < len(rest) and rest[i].startswith('-'):
        i += 2 if rest[i] == '-c' else 1
    sub = rest[i] if i < len(rest) else '?'
    if sub == 'worktree' and i + 1 < len(rest):
        sub += ' ' + rest[i + 1]
    if sub == 'rev-parse':
        sub += ' ' + ' '.join(a for a in rest[i + 1:] if a != '--quiet')[:40]
    return 'rev-parse --verify refs/heads/<branch>' if sub.startswith('rev-parse --verify refs/heads/') else sub


def main(path, requests):
    programs, gits, pending = collections.Counter(), collections.Counter(), {}

    def record(exe, args):
        programs[exe] += 1
        if exe == 'git':
            gits[git_subcommand(args)] += 1

    for line in open(path, errors='replace'):
        if m := START.match(line):
            exe, args = m.group(2).rsplit('/', 1)[-1], re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(3))
            if m.group(4) is None:
                pending[m.group(1)] = (exe, args)
            elif m.group(4) == '0':
                record(exe, args)
        elif (m := RESUMED.match(line)) and m.group(1) in pending:
            exe, args = pending.pop(m.group(1))
            if m.group(2) == '0':
                record(exe, args)
    print(f'processes per request ({requests:g} requests): {sum(programs.values()) / requests:.1f}')
    for name, count in programs.most_common():
        print(f'{count / requests:8.2f} {name}')
    print('git by subcommand:')
    for name, count in gits.most_common():
        print(f'{count / requests:8.2f} {name}')


if __name__ == '__main__':
    main(sys.argv[1], float(sys.argv[2]))
