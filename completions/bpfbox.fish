# SPDX-License-Identifier: GPL-2.0
# fish completion for bpfbox and its applet links; the options come from the binary itself
# (`bpfbox --complete [APPLET]`, or `APPLET --bpfbox-complete` through a link); probe patterns
# from the applet's own `-l`.

# The option lines "-s<TAB>--long<TAB>METAVAR<TAB>COMPLETE<TAB>HELP" of the command line's applet.
function __bpfbox_lines
    set -l tokens (commandline -opc)
    set -l cmd $tokens[1]
    if test (basename -- $cmd) != bpfbox
        $cmd --bpfbox-complete 2>/dev/null
    else if set -q tokens[2]; and not string match -q -- '-*' $tokens[2]
        $cmd --complete $tokens[2] 2>/dev/null
    end
end

# Candidates for the current token: applets, options, or an option's value.
function __bpfbox_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l cmd $tokens[1]
    if test (basename -- $cmd) = bpfbox; and test (count $tokens) -eq 1
        $cmd --complete 2>/dev/null
        printf '%s\n' --list --install --version --help --complete
        return
    end
    if test (basename -- $cmd) = bpfbox
        switch "$tokens[2]"
            case --install
                __fish_complete_directories $cur
                return
            case --complete
                test (count $tokens) -eq 2; and $cmd --complete 2>/dev/null
                return
            case '-*'
                return
        end
    end
    set -l prev $tokens[-1]
    set -l value $cur
    if string match -qr -- '^--[^=]+=' $cur
        set prev (string replace -r -- '=.*' '' $cur)
        set value (string replace -r -- '^[^=]*=' '' $cur)
    else if string match -qr -- '^-[^-].+' $prev
        set prev -(string sub -s -1 -- $prev)
    end
    for line in (__bpfbox_lines)
        set -l f (string split \t -- $line)
        if test -n "$f[3]"; and contains -- $prev $f[1] $f[2]
            set -l pre (string replace -r -- '[^=]*$' '' $cur)
            switch $f[4]
                case file
                    __fish_complete_path $value | string replace -r -- '^' "$pre"
                case dir
                    __fish_complete_directories $value | string replace -r -- '^' "$pre"
                case pid
                    __fish_complete_pids | string replace -r -- '^' "$pre"
                case user
                    __fish_complete_users | string replace -r -- '^' "$pre"
                case ''
                case '*'
                    printf "$pre%s\n" (string split ' ' -- $f[4])
            end
            return
        end
    end
    if string match -q -- '-*' $cur
        for line in (__bpfbox_lines)
            set -l f (string split \t -- $line)
            for o in $f[1] $f[2]
                test -n "$o"; and printf '%s\t%s\n' $o $f[5]
            end
        end
        return
    end
    # the positional arguments (the line without option names), where the applet says how
    for line in (__bpfbox_lines)
        set -l f (string split \t -- $line)
        if test -z "$f[1]" -a -z "$f[2]" -a "$f[4]" = probe
            set -l run $cmd
            test (basename -- $cmd) = bpfbox; and set run $cmd $tokens[2]
            # "t:sch": the categories that start so, each with its events
            set -l pat "$cur*"
            string match -qr -- '^t:[^:]*$' $cur; and set pat "$cur*:*"
            $run -l -- $pat 2>/dev/null
            return
        end
    end
end

complete -c bpfbox -f -a '(__bpfbox_complete)'
# applet links, for the applets a bpfbox on $PATH knows
if command -q bpfbox
    for applet in (bpfbox --complete 2>/dev/null | string split -f1 \t)
        complete -c $applet -f -a '(__bpfbox_complete)'
    end
end
