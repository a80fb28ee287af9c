ipvsadm --start-daemon backup --mcast-group ff02::1x
ipvsadm --start-daemon backup --mcast-ttl 256
ipvsadm --start-daemon backup --sync-maxlen 0
ipvsadm -L --mcast-interface eth0
