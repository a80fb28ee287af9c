ipvsadm -A -t 10.10.0.100:80
ipvsadm -Ln --sort
