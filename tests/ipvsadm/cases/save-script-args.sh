ipvsadm -A -t 127.0.0.1:80
ipvsadm-save
ipvsadm-save extra -n
ipvsadm-save --help
