ipvsadm --help -n
