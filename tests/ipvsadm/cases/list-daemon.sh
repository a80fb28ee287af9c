ipvsadm -L --daemon
ipvsadm -L --daemon -n
