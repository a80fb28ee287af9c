ipvsadm --start-daemon foo
ipvsadm --start-daemon
ipvsadm --stop-daemon bar
ipvsadm --start-daemon master --mcast-group 10.0.0.1
ipvsadm --start-daemon master --syncid 256
ipvsadm --start-daemon master --mcast-port 0
ipvsadm --start-daemon master -n
ipvsadm --stop-daemon master --mcast-interface eth0
