ipvsadm --start-daemon master --syncid 5
ipvsadm --stop-daemon master
ipvsadm --stop-daemon backup
