ipvsadm -Ln -c --rate
ipvsadm -Ln --daemon --persistent-conn
ipvsadm -L --timeout -c
ipvsadm -L --stats --rate
