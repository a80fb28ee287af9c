ipvsadm
