/* SPDX-License-Identifier: MIT */
/*
 * What iptables-legacy 1.8.9 on Linux 6.18 answered for target rules:
 * exit code and stderr of `iptables -t T -A C RULE`, then the rule's
 * line in `iptables -S C`, and its line in `iptables -L C` and
 * `iptables -L C -n` (empty strings when -A failed). Recorded in a
 * network namespace; see doc/extensions.md.
 */
static const struct ipt_vec {
	const char *table, *chain, *rule;
	int rc;
	const char *err, *save, *list, *nlist;
} ipt_vecs[] = {
	{ "filter", "INPUT",
	  "-j REJECT",
	  0,
	  "",
	  "-A INPUT -j REJECT --reject-with icmp-port-unreachable",
	  "REJECT     all  --  anywhere             anywhere       "
	  "      reject-with icmp-port-unreachable",
	  "REJECT     0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      reject-with icmp-port-unreachable" },
	{ "filter", "INPUT",
	  "-p tcp -j REJECT --reject-with tcp-reset",
	  0,
	  "",
	  "-A INPUT -p tcp -j REJECT --reject-with tcp-reset",
	  "REJECT     tcp  --  anywhere             anywhere       "
	  "      reject-with tcp-reset",
	  "REJECT     6    --  0.0.0.0/0            0.0.0.0/0      "
	  "      reject-with tcp-reset" },
	{ "filter", "INPUT",
	  "-j REJECT --reject-with tcp-reset",
	  1,
	  "iptables: Invalid argument. Run `dmesg' for more informa"
	  "tion.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "! -p tcp -j REJECT --reject-with tcp-reset",
	  1,
	  "iptables: Invalid argument. Run `dmesg' for more informa"
	  "tion.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-p tcp -j REJECT --reject-with icmp",
	  0,
	  "",
	  "-A INPUT -p tcp -j REJECT --reject-with icmp-net-unreach"
	  "able",
	  "REJECT     tcp  --  anywhere             anywhere       "
	  "      reject-with icmp-net-unreachable",
	  "REJECT     6    --  0.0.0.0/0            0.0.0.0/0      "
	  "      reject-with icmp-net-unreachable" },
	{ "filter", "INPUT",
	  "-p tcp -j REJECT --reject-with admin-prohib",
	  0,
	  "",
	  "-A INPUT -p tcp -j REJECT --reject-with icmp-admin-prohi"
	  "bited",
	  "REJECT     tcp  --  anywhere             anywhere       "
	  "      reject-with icmp-admin-prohibited",
	  "REJECT     6    --  0.0.0.0/0            0.0.0.0/0      "
	  "      reject-with icmp-admin-prohibited" },
	{ "filter", "INPUT",
	  "-p tcp -j REJECT --reject-with foo",
	  2,
	  "iptables v1.8.9 (legacy): unknown reject type \"foo\"\nTry "
	  "`iptables -h' or 'iptables --help' for more information."
	  "\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-p tcp -j REJECT --reject-with echo-reply",
	  2,
	  "--reject-with echo-reply no longer supported\niptables v1"
	  ".8.9 (legacy): unknown reject type \"echo-reply\"\nTry `ipt"
	  "ables -h' or 'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-p tcp -j REJECT --reject-with",
	  2,
	  "iptables v1.8.9 (legacy): option \"--reject-with\" require"
	  "s an argument\nTry `iptables -h' or 'iptables --help' for"
	  " more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j REJECT --reject-with icmp-net-unreachable --reject-wi"
	  "th icmp-net-unreachable",
	  2,
	  "iptables v1.8.9 (legacy): REJECT: option \"--reject-with\""
	  " can only be used once.\n\nTry `iptables -h' or 'iptables "
	  "--help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j REJECT ! --reject-with icmp-net-unreachable",
	  2,
	  "iptables v1.8.9 (legacy): REJECT: option \"--reject-with\""
	  " cannot be inverted.\n\nTry `iptables -h' or 'iptables --h"
	  "elp' for more information.\n",
	  "",
	  "",
	  "" },
	{ "raw", "PREROUTING",
	  "-j REJECT",
	  1,
	  "iptables: Invalid argument. Run `dmesg' for more informa"
	  "tion.\n",
	  "",
	  "",
	  "" },
	{ "mangle", "INPUT",
	  "-j REJECT",
	  1,
	  "iptables: Invalid argument. Run `dmesg' for more informa"
	  "tion.\n",
	  "",
	  "",
	  "" },
	{ "filter", "FORWARD",
	  "-j REJECT --reject-with host-prohib",
	  0,
	  "",
	  "-A FORWARD -j REJECT --reject-with icmp-host-prohibited",
	  "REJECT     all  --  anywhere             anywhere       "
	  "      reject-with icmp-host-prohibited",
	  "REJECT     0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      reject-with icmp-host-prohibited" },
	{ "filter", "OUTPUT",
	  "-j REJECT --reject-with net-prohib",
	  0,
	  "",
	  "-A OUTPUT -j REJECT --reject-with icmp-net-prohibited",
	  "REJECT     all  --  anywhere             anywhere       "
	  "      reject-with icmp-net-prohibited",
	  "REJECT     0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      reject-with icmp-net-prohibited" },
	{ "filter", "INPUT",
	  "-j LOG",
	  0,
	  "",
	  "-A INPUT -j LOG",
	  "LOG        all  --  anywhere             anywhere       "
	  "      LOG level warn",
	  "LOG        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      LOG flags 0 level 4" },
	{ "filter", "INPUT",
	  "-j LOG --log-level 8",
	  2,
	  "iptables v1.8.9 (legacy): log level \"8\" unknown\n\nTry `ip"
	  "tables -h' or 'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j LOG --log-level err",
	  2,
	  "iptables v1.8.9 (legacy): log level \"err\" unknown\n\nTry `"
	  "iptables -h' or 'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j LOG --log-level alert --log-prefix \"x y\"",
	  0,
	  "",
	  "-A INPUT -j LOG --log-prefix \"x y\" --log-level 1",
	  "LOG        all  --  anywhere             anywhere       "
	  "      LOG level alert prefix \"x y\"",
	  "LOG        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      LOG flags 0 level 1 prefix \"x y\"" },
	{ "filter", "INPUT",
	  "-j LOG --log-prefix 'a\"b\\c' --log-uid",
	  0,
	  "",
	  "-A INPUT -j LOG --log-prefix \"a\\\"b\\\\c\" --log-uid",
	  "LOG        all  --  anywhere             anywhere       "
	  "      LOG level warn uid prefix \"a\"b\\c\"",
	  "LOG        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      LOG flags 8 level 4 prefix \"a\"b\\c\"" },
	{ "filter", "INPUT",
	  "-j LOG --log-prefix \"it's\" --log-macdecode",
	  0,
	  "",
	  "-A INPUT -j LOG --log-prefix \"it\\'s\" --log-macdecode",
	  "LOG        all  --  anywhere             anywhere       "
	  "      LOG level warn macdecode prefix \"it's\"",
	  "LOG        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      LOG flags 32 level 4 prefix \"it's\"" },
	{ "filter", "INPUT",
	  "-j LOG --log-prefix 123456789012345678901234567890123456"
	  "7890",
	  0,
	  "",
	  "-A INPUT -j LOG --log-prefix 123456789012345678901234567"
	  "89",
	  "LOG        all  --  anywhere             anywhere       "
	  "      LOG level warn prefix \"123456789012345678901234567"
	  "89\"",
	  "LOG        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      LOG flags 0 level 4 prefix \"1234567890123456789012"
	  "3456789\"" },
	{ "filter", "INPUT",
	  "-j LOG --log-prefix \"\"",
	  2,
	  "iptables v1.8.9 (legacy): Argument must have a minimum l"
	  "ength of 1 characters\n\nTry `iptables -h' or 'iptables --"
	  "help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j LOG --log-prefix",
	  2,
	  "iptables v1.8.9 (legacy): option \"--log-prefix\" requires"
	  " an argument\nTry `iptables -h' or 'iptables --help' for "
	  "more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j LOG --log-uid --log-uid",
	  2,
	  "iptables v1.8.9 (legacy): LOG: option \"--log-uid\" can on"
	  "ly be used once.\n\nTry `iptables -h' or 'iptables --help'"
	  " for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j LOG ! --log-uid",
	  2,
	  "iptables v1.8.9 (legacy): LOG: option \"--log-uid\" cannot"
	  " be inverted.\n\nTry `iptables -h' or 'iptables --help' fo"
	  "r more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j LOG --log-tcp-sequence --log-tcp-options --log-ip-opt"
	  "ions",
	  0,
	  "",
	  "-A INPUT -j LOG --log-tcp-sequence --log-tcp-options --l"
	  "og-ip-options",
	  "LOG        all  --  anywhere             anywhere       "
	  "      LOG level warn tcp-sequence tcp-options ip-options",
	  "LOG        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      LOG flags 7 level 4" },
	{ "raw", "PREROUTING",
	  "-j LOG --log-level 7",
	  0,
	  "",
	  "-A PREROUTING -j LOG --log-level 7",
	  "LOG        all  --  anywhere             anywhere       "
	  "      LOG level debug",
	  "LOG        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      LOG flags 0 level 7" },
	{ "filter", "INPUT",
	  "-j MARK --set-mark 5",
	  0,
	  "",
	  "-A INPUT -j MARK --set-xmark 0x5/0xffffffff",
	  "MARK       all  --  anywhere             anywhere       "
	  "      MARK set 0x5",
	  "MARK       0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      MARK set 0x5" },
	{ "filter", "INPUT",
	  "-j MARK --set-mark 0x1/0xf0",
	  0,
	  "",
	  "-A INPUT -j MARK --set-xmark 0x1/0xf1",
	  "MARK       all  --  anywhere             anywhere       "
	  "      MARK xset 0x1/0xf1",
	  "MARK       0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      MARK xset 0x1/0xf1" },
	{ "filter", "INPUT",
	  "-j MARK --and-mark 5",
	  0,
	  "",
	  "-A INPUT -j MARK --set-xmark 0x0/0xfffffffa",
	  "MARK       all  --  anywhere             anywhere       "
	  "      MARK and 0x5",
	  "MARK       0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      MARK and 0x5" },
	{ "filter", "INPUT",
	  "-j MARK --or-mark 5",
	  0,
	  "",
	  "-A INPUT -j MARK --set-xmark 0x5/0x5",
	  "MARK       all  --  anywhere             anywhere       "
	  "      MARK or 0x5",
	  "MARK       0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      MARK or 0x5" },
	{ "filter", "INPUT",
	  "-j MARK --xor-mark 5",
	  0,
	  "",
	  "-A INPUT -j MARK --set-xmark 0x5/0x0",
	  "MARK       all  --  anywhere             anywhere       "
	  "      MARK xor 0x5",
	  "MARK       0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      MARK xor 0x5" },
	{ "filter", "INPUT",
	  "-j MARK --set-xmark 0x0",
	  0,
	  "",
	  "-A INPUT -j MARK --set-xmark 0x0/0xffffffff",
	  "MARK       all  --  anywhere             anywhere       "
	  "      MARK and 0x0",
	  "MARK       0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      MARK and 0x0" },
	{ "filter", "INPUT",
	  "-j MARK --set-xmark 5x",
	  2,
	  "iptables v1.8.9 (legacy): MARK: trailing garbage after v"
	  "alue for option \"--set-xmark\".\n\nTry `iptables -h' or 'ip"
	  "tables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j MARK --set-xmark 4294967296",
	  2,
	  "iptables v1.8.9 (legacy): MARK: bad integer value for op"
	  "tion \"--set-xmark\", or out of range.\n\nTry `iptables -h' "
	  "or 'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j MARK --and-mark 5/3",
	  2,
	  "iptables v1.8.9 (legacy): MARK: bad value for option \"--"
	  "and-mark\", or out of range (0-4294967295).\n\nTry `iptable"
	  "s -h' or 'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j MARK",
	  2,
	  "iptables v1.8.9 (legacy): MARK: One of the --set-xmark, "
	  "--{and,or,xor,set}-mark options is required\nTry `iptable"
	  "s -h' or 'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j MARK --set-mark 1 --or-mark 2",
	  2,
	  "iptables v1.8.9 (legacy): MARK: option \"--set-mark\" cann"
	  "ot be used together with \"--or-mark\".\n\nTry `iptables -h'"
	  " or 'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j MARK ! --set-mark 1",
	  2,
	  "iptables v1.8.9 (legacy): MARK: option \"--set-mark\" cann"
	  "ot be inverted.\n\nTry `iptables -h' or 'iptables --help' "
	  "for more information.\n",
	  "",
	  "",
	  "" },
	{ "mangle", "PREROUTING",
	  "-j TOS --set-tos 0x1f",
	  0,
	  "",
	  "-A PREROUTING -j TOS --set-tos 0x1f/0xff",
	  "TOS        all  --  anywhere             anywhere       "
	  "      TOS set 0x1f/0xff",
	  "TOS        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      TOS set 0x1f/0xff" },
	{ "mangle", "PREROUTING",
	  "-j TOS --set-tos Minimize-Delay",
	  0,
	  "",
	  "-A PREROUTING -j TOS --set-tos 0x10/0x3f",
	  "TOS        all  --  anywhere             anywhere       "
	  "       TOS setMinimize-Delay",
	  "TOS        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      TOS set 0x10/0x3f" },
	{ "mangle", "PREROUTING",
	  "-j TOS --set-tos 0x10/0x10",
	  0,
	  "",
	  "-A PREROUTING -j TOS --set-tos 0x10/0x10",
	  "TOS        all  --  anywhere             anywhere       "
	  "      TOS or 0x10",
	  "TOS        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      TOS set 0x10/0x10" },
	{ "mangle", "PREROUTING",
	  "-j TOS --and-tos 0x12",
	  0,
	  "",
	  "-A PREROUTING -j TOS --set-tos 0x00/0xed",
	  "TOS        all  --  anywhere             anywhere       "
	  "      TOS and 0x12",
	  "TOS        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      TOS set 0x00/0xed" },
	{ "mangle", "PREROUTING",
	  "-j TOS --or-tos 0x12",
	  0,
	  "",
	  "-A PREROUTING -j TOS --set-tos 0x12/0x12",
	  "TOS        all  --  anywhere             anywhere       "
	  "      TOS or 0x12",
	  "TOS        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      TOS set 0x12/0x12" },
	{ "mangle", "PREROUTING",
	  "-j TOS --xor-tos 0x12",
	  0,
	  "",
	  "-A PREROUTING -j TOS --set-tos 0x12/0x00",
	  "TOS        all  --  anywhere             anywhere       "
	  "      TOS xor 0x12",
	  "TOS        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      TOS set 0x12/0x00" },
	{ "mangle", "PREROUTING",
	  "-j TOS --set-tos foo",
	  2,
	  "iptables v1.8.9 (legacy): Symbolic name \"foo\" is unknown"
	  "\nTry `iptables -h' or 'iptables --help' for more informa"
	  "tion.\n",
	  "",
	  "",
	  "" },
	{ "mangle", "PREROUTING",
	  "-j TOS --set-tos 5x",
	  2,
	  "iptables v1.8.9 (legacy): Illegal value: \"5x\"\nTry `iptab"
	  "les -h' or 'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "mangle", "PREROUTING",
	  "-j TOS --and-tos 0x100",
	  2,
	  "iptables v1.8.9 (legacy): TOS: bad value for option \"--a"
	  "nd-tos\", or out of range (0-255).\n\nTry `iptables -h' or "
	  "'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "mangle", "PREROUTING",
	  "-j TOS",
	  2,
	  "iptables v1.8.9 (legacy): TOS: An action is required\nTry"
	  " `iptables -h' or 'iptables --help' for more information"
	  ".\n",
	  "",
	  "",
	  "" },
	{ "mangle", "PREROUTING",
	  "-j TOS --and-tos 2 --set-tos 1",
	  2,
	  "iptables v1.8.9 (legacy): TOS: option \"--set-tos\" cannot"
	  " be used together with \"--and-tos\".\n\nTry `iptables -h' o"
	  "r 'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j TOS --set-tos 1",
	  1,
	  "iptables: Invalid argument. Run `dmesg' for more informa"
	  "tion.\n",
	  "",
	  "",
	  "" },
	{ "mangle", "PREROUTING",
	  "-j TTL --ttl-set 64",
	  0,
	  "",
	  "-A PREROUTING -j TTL --ttl-set 64",
	  "TTL        all  --  anywhere             anywhere       "
	  "      TTL set to 64",
	  "TTL        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      TTL set to 64" },
	{ "mangle", "PREROUTING",
	  "-j TTL --ttl-dec 1",
	  0,
	  "",
	  "-A PREROUTING -j TTL --ttl-dec 1",
	  "TTL        all  --  anywhere             anywhere       "
	  "      TTL decrement by 1",
	  "TTL        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      TTL decrement by 1" },
	{ "mangle", "PREROUTING",
	  "-j TTL --ttl-inc 255",
	  0,
	  "",
	  "-A PREROUTING -j TTL --ttl-inc 255",
	  "TTL        all  --  anywhere             anywhere       "
	  "      TTL increment by 255",
	  "TTL        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      TTL increment by 255" },
	{ "mangle", "PREROUTING",
	  "-j TTL --ttl-dec 0",
	  2,
	  "iptables v1.8.9 (legacy): TTL: bad value for option \"--t"
	  "tl-dec\", or out of range (1-255).\n\nTry `iptables -h' or "
	  "'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "mangle", "PREROUTING",
	  "-j TTL",
	  2,
	  "iptables v1.8.9 (legacy): TTL: You must specify an actio"
	  "n\nTry `iptables -h' or 'iptables --help' for more inform"
	  "ation.\n",
	  "",
	  "",
	  "" },
	{ "mangle", "PREROUTING",
	  "-j TTL --ttl-dec 1 --ttl-set 1",
	  2,
	  "iptables v1.8.9 (legacy): TTL: option \"--ttl-set\" cannot"
	  " be used together with \"--ttl-dec\".\n\nTry `iptables -h' o"
	  "r 'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j TTL --ttl-set 1",
	  1,
	  "iptables: Invalid argument. Run `dmesg' for more informa"
	  "tion.\n",
	  "",
	  "",
	  "" },
	{ "mangle", "PREROUTING",
	  "-j DSCP --set-dscp 10",
	  0,
	  "",
	  "-A PREROUTING -j DSCP --set-dscp 0x0a",
	  "DSCP       all  --  anywhere             anywhere       "
	  "      DSCP set 0x0a",
	  "DSCP       0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      DSCP set 0x0a" },
	{ "mangle", "PREROUTING",
	  "-j DSCP --set-dscp-class EF",
	  0,
	  "",
	  "-A PREROUTING -j DSCP --set-dscp 0x2e",
	  "DSCP       all  --  anywhere             anywhere       "
	  "      DSCP set 0x2e",
	  "DSCP       0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      DSCP set 0x2e" },
	{ "mangle", "PREROUTING",
	  "-j DSCP --set-dscp 0x40",
	  2,
	  "iptables v1.8.9 (legacy): DSCP: bad value for option \"--"
	  "set-dscp\", or out of range (0-63).\n\nTry `iptables -h' or"
	  " 'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "mangle", "PREROUTING",
	  "-j DSCP --set-dscp-class CS8",
	  2,
	  "iptables v1.8.9 (legacy): Invalid DSCP value `CS8'\nTry `"
	  "iptables -h' or 'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "mangle", "PREROUTING",
	  "-j DSCP",
	  2,
	  "iptables v1.8.9 (legacy): DSCP target: Parameter --set-d"
	  "scp is required\nTry `iptables -h' or 'iptables --help' f"
	  "or more information.\n",
	  "",
	  "",
	  "" },
	{ "mangle", "PREROUTING",
	  "-j DSCP --set-dscp-class CS0 --set-dscp 1",
	  2,
	  "iptables v1.8.9 (legacy): DSCP: option \"--set-dscp\" cann"
	  "ot be used together with \"--set-dscp-class\".\n\nTry `iptab"
	  "les -h' or 'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-j DSCP --set-dscp 1",
	  1,
	  "iptables: Invalid argument. Run `dmesg' for more informa"
	  "tion.\n",
	  "",
	  "",
	  "" },
	{ "raw", "PREROUTING",
	  "-j TRACE",
	  0,
	  "",
	  "-A PREROUTING -j TRACE",
	  "TRACE      all  --  anywhere             anywhere       "
	  "     ",
	  "TRACE      0    --  0.0.0.0/0            0.0.0.0/0      "
	  "     " },
	{ "raw", "OUTPUT",
	  "-j TRACE",
	  0,
	  "",
	  "-A OUTPUT -j TRACE",
	  "TRACE      all  --  anywhere             anywhere       "
	  "     ",
	  "TRACE      0    --  0.0.0.0/0            0.0.0.0/0      "
	  "     " },
	{ "filter", "INPUT",
	  "-j TRACE",
	  1,
	  "iptables: Invalid argument. Run `dmesg' for more informa"
	  "tion.\n",
	  "",
	  "",
	  "" },
	{ "mangle", "PREROUTING",
	  "-j TRACE",
	  1,
	  "iptables: Invalid argument. Run `dmesg' for more informa"
	  "tion.\n",
	  "",
	  "",
	  "" },
	{ "raw", "OUTPUT",
	  "-j TRACE --foo",
	  2,
	  "iptables v1.8.9 (legacy): unknown option \"--foo\"\nTry `ip"
	  "tables -h' or 'iptables --help' for more information.\n",
	  "",
	  "",
	  "" },
	{ "filter", "INPUT",
	  "-p tcp -j REJECT --reject-with tcp-rst",
	  0,
	  "",
	  "-A INPUT -p tcp -j REJECT --reject-with tcp-reset",
	  "REJECT     tcp  --  anywhere             anywhere       "
	  "      reject-with tcp-reset",
	  "REJECT     6    --  0.0.0.0/0            0.0.0.0/0      "
	  "      reject-with tcp-reset" },
	{ "filter", "INPUT",
	  "-p udp -j REJECT --reject-with port-unreach",
	  0,
	  "",
	  "-A INPUT -p udp -j REJECT --reject-with icmp-port-unreac"
	  "hable",
	  "REJECT     udp  --  anywhere             anywhere       "
	  "      reject-with icmp-port-unreachable",
	  "REJECT     17   --  0.0.0.0/0            0.0.0.0/0      "
	  "      reject-with icmp-port-unreachable" },
	{ "filter", "FORWARD",
	  "-j REJECT --reject-with icmp-admin-prohibited",
	  0,
	  "",
	  "-A FORWARD -j REJECT --reject-with icmp-admin-prohibited",
	  "REJECT     all  --  anywhere             anywhere       "
	  "      reject-with icmp-admin-prohibited",
	  "REJECT     0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      reject-with icmp-admin-prohibited" },
	{ "filter", "INPUT",
	  "-j LOG --log-level 0x3 --log-prefix \"test: \"",
	  0,
	  "",
	  "-A INPUT -j LOG --log-prefix \"test: \" --log-level 3",
	  "LOG        all  --  anywhere             anywhere       "
	  "      LOG level err prefix \"test: \"",
	  "LOG        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      LOG flags 0 level 3 prefix \"test: \"" },
	{ "filter", "INPUT",
	  "-j LOG --log-level panic",
	  0,
	  "",
	  "-A INPUT -j LOG --log-level 0",
	  "LOG        all  --  anywhere             anywhere       "
	  "      LOG level emerg",
	  "LOG        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      LOG flags 0 level 0" },
	{ "mangle", "POSTROUTING",
	  "-j LOG --log-macdecode",
	  0,
	  "",
	  "-A POSTROUTING -j LOG --log-macdecode",
	  "LOG        all  --  anywhere             anywhere       "
	  "      LOG level warn macdecode",
	  "LOG        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      LOG flags 32 level 4" },
	{ "filter", "INPUT",
	  "-j MARK --set-xmark 0xfeedcafe/0xfeedcafe",
	  0,
	  "",
	  "-A INPUT -j MARK --set-xmark 0xfeedcafe/0xfeedcafe",
	  "MARK       all  --  anywhere             anywhere       "
	  "      MARK or 0xfeedcafe",
	  "MARK       0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      MARK or 0xfeedcafe" },
	{ "filter", "INPUT",
	  "-j MARK --set-mark 5/0xff",
	  0,
	  "",
	  "-A INPUT -j MARK --set-xmark 0x5/0xff",
	  "MARK       all  --  anywhere             anywhere       "
	  "      MARK xset 0x5/0xff",
	  "MARK       0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      MARK xset 0x5/0xff" },
	{ "mangle", "PREROUTING",
	  "-j TOS --set-tos 0x12/0x3f",
	  0,
	  "",
	  "-A PREROUTING -j TOS --set-tos 0x12/0x3f",
	  "TOS        all  --  anywhere             anywhere       "
	  "      TOS set 0x12/0x3f",
	  "TOS        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      TOS set 0x12/0x3f" },
	{ "mangle", "PREROUTING",
	  "-j TOS --set-tos Normal-Service",
	  0,
	  "",
	  "-A PREROUTING -j TOS --set-tos 0x00/0x3f",
	  "TOS        all  --  anywhere             anywhere       "
	  "       TOS setNormal-Service",
	  "TOS        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      TOS set 0x00/0x3f" },
	{ "mangle", "FORWARD",
	  "-j TTL --ttl-inc 3",
	  0,
	  "",
	  "-A FORWARD -j TTL --ttl-inc 3",
	  "TTL        all  --  anywhere             anywhere       "
	  "      TTL increment by 3",
	  "TTL        0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      TTL increment by 3" },
	{ "mangle", "OUTPUT",
	  "-j DSCP --set-dscp-class af41",
	  0,
	  "",
	  "-A OUTPUT -j DSCP --set-dscp 0x22",
	  "DSCP       all  --  anywhere             anywhere       "
	  "      DSCP set 0x22",
	  "DSCP       0    --  0.0.0.0/0            0.0.0.0/0      "
	  "      DSCP set 0x22" },
};
